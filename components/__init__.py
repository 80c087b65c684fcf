"""rootguard: Pulumi components that lock down the AWS root user across an AWS Organization."""
