"""Read-only boto3 audit of the live organization's root-user protections."""
