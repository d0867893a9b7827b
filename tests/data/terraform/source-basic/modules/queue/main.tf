variable "name" {
  type = string
}

variable "retention_seconds" {
  type    = number
  default = 345600
}

resource "aws_sqs_queue" "this" {
  name                      = var.name
  message_retention_seconds = var.retention_seconds
}
