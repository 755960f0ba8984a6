"""The Powertools tracer, for the background functions only (see `agora.http.entry`)."""

from aws_lambda_powertools import Tracer

tracer = Tracer()
