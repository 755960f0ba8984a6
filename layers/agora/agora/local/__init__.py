"""The embedded stack: the AWS side of agora on one machine, on loopback, with no AWS account."""
