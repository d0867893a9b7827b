# Fixture: an autoscaled Kubernetes deployment drawing a DB pool from an RDS instance.
provider "aws" {
  region = "eu-west-1"
  default_tags {
    tags = {
      service     = "case-decision"
      team        = "decisions"
      domain      = "cases"
      environment = "prod"
    }
  }
}

provider "kubernetes" {}

resource "aws_db_parameter_group" "orders" {
  name   = "orders-pg"
  family = "postgres16"
  parameter {
    name  = "max_connections"
    value = "100"
  }
}

resource "aws_db_instance" "orders" {
  identifier           = "orders"
  engine               = "postgres"
  instance_class       = "db.r6g.large"
  allocated_storage    = 20
  parameter_group_name = aws_db_parameter_group.orders.name
}

resource "kubernetes_deployment_v1" "api" {
  metadata {
    name      = "case-decision"
    namespace = "cases"
    labels = {
      service     = "case-decision"
      team        = "decisions"
      domain      = "cases"
      environment = "prod"
    }
  }
  spec {
    replicas = 2
    selector {
      match_labels = { app = "case-decision" }
    }
    template {
      metadata {
        labels = {
          app         = "case-decision"
          service     = "case-decision"
          team        = "decisions"
          domain      = "cases"
          environment = "prod"
        }
      }
      spec {
        container {
          name  = "api"
          image = "ghcr.io/example/case-decision:1.4.2"
          env {
            name  = "DB_POOL_SIZE"
            value = "12"
          }
          env {
            name  = "DB_HOST"
            value = aws_db_instance.orders.address
          }
          resources {
            requests = { cpu = "500m", memory = "1Gi" }
            limits   = { memory = "1Gi" }
          }
        }
      }
    }
  }
}

resource "kubernetes_horizontal_pod_autoscaler_v2" "api" {
  metadata {
    name      = "case-decision"
    namespace = "cases"
    labels = {
      service     = "case-decision"
      team        = "decisions"
      domain      = "cases"
      environment = "prod"
    }
  }
  spec {
    min_replicas = 2
    max_replicas = 20
    scale_target_ref {
      api_version = "apps/v1"
      kind        = "Deployment"
      name        = "case-decision"
    }
  }
}
