"""The HTTP API fuzzed from its own OpenAPI description with schemathesis: whatever the parameters, valid or not,
the server answers with a 2xx or 4xx (never a 5xx), its 200s match the described schema, and parameters the
description rules out are refused."""
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import negative_data_rejection, response_schema_conformance

from searchkit.web import openapi

# The refusals the server gives: 400 bad input, 404 no such article, 414 a URL over 8,192 characters (which
# schemathesis' list of refusals leaves out).
REFUSALS = ["400", "404", "414"]
schema = schemathesis.openapi.from_dict(openapi.document(), config=schemathesis.Config.from_dict(
    {"checks": {"negative_data_rejection": {"expected-statuses": REFUSALS}}}))


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_the_api_never_fails_with_a_server_error(case, seed_server):
    case.call_and_validate(base_url=seed_server, checks=[not_a_server_error, response_schema_conformance, negative_data_rejection])
