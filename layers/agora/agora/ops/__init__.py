"""Operating deployed consultations: CDK deployments, status, erasure, moderators (never shipped to Lambda)."""
