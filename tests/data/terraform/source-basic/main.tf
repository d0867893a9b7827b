# Fixture for `finops-guard check DIR`: written for the tests, not applied anywhere.
variable "region" {
  type    = string
  default = "us-east-1"
}

variable "team" {
  type = string # no default: given with --var or left unknown
}

locals {
  cost_tags = {
    service     = "orders"
    team        = var.team
    domain      = "checkout"
    environment = "prod"
  }
}

provider "aws" {
  region = var.region
  default_tags {
    tags = local.cost_tags
  }
}

provider "aws" {
  alias  = "west"
  region = "us-west-2"
  default_tags {
    tags = local.cost_tags
  }
}

data "aws_caller_identity" "current" {}

resource "aws_cloudwatch_log_group" "app" {
  name              = "/orders/app"
  retention_in_days = 0
}

resource "aws_cloudwatch_log_group" "worker" {
  for_each          = { a = 7, b = 14 }
  name              = "/orders/worker-${each.key}"
  retention_in_days = each.value
}

resource "aws_sns_topic" "alerts" {
  provider = aws.west
  name     = "orders-alerts"
  policy   = jsonencode({ Resource = aws_cloudwatch_log_group.app.arn })
}

resource "aws_s3_bucket" "exports" {
  count  = 2
  bucket = "orders-exports-${count.index}"
  tags = {
    owner-account = data.aws_caller_identity.current.account_id
  }
}

module "queue" {
  source = "./modules/queue"
  name   = "orders-jobs"
}

module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.0.0"
}
