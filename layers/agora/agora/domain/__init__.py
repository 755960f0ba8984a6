"""Pure rules and maths of a consultation: no boto3, no I/O."""
