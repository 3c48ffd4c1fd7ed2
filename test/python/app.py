"""Python twin of app.ts: the same stack through the jsii package (cdk_unum).

smoke.sh installs the built wheel with aws-cdk-lib and constructs from PyPI,
synthesizes this app and its TypeScript twin, and requires equal templates.
"""
import os
import sys

import aws_cdk as cdk
from aws_cdk import aws_lambda as lambda_
from cdk_unum import (
    Chain,
    Choice,
    Condition,
    Fail,
    FanIn,
    Map,
    Succeed,
    UnumFunction,
    UnumWorkflow,
    WorkflowDefinition,
)

HERE = os.path.dirname(os.path.abspath(__file__))
FUNCTIONS = os.path.join(HERE, "functions")
FAASR = os.path.join(HERE, "..", "fixtures", "faasr", "chain-one-sided.json")

# No version reporting: its metadata names the host language, which is not part of the workflow.
app = cdk.App(outdir=sys.argv[1], analytics_reporting=False)
stack = cdk.Stack(app, "PolyglotSmoke")

split = UnumFunction(stack, "Split", code=lambda_.Code.from_asset(FUNCTIONS), handler="index.split")
square = UnumFunction(
    stack,
    "Square",
    code=lambda_.Code.from_inline("exports.handler = async (n) => n * n;"),
    handler="index.handler",
    memory_size=128,
    timeout=cdk.Duration.seconds(10),
)
total = UnumFunction(stack, "Total", code=lambda_.Code.from_asset(FUNCTIONS), handler="index.total")
total.add_retry(errors=["States.TaskFailed"], max_attempts=2)

UnumWorkflow(
    stack,
    "Squares",
    definition=Chain.start(split)
    .next(Map(stack, "SquareEach", items_path="$.numbers").item_processor(square))
    .next(FanIn(stack, "Squared"))
    .next(total)
    .next(
        Choice(stack, "BigEnough")
        .when(
            Condition.and_(Condition.is_numeric("$.sum"), Condition.number_greater_than("$.sum", 100)),
            Succeed(stack, "Big"),
        )
        .otherwise(Fail(stack, "Small", error="TooSmall", cause="the sum of squares is at most 100"))
    ),
)

functions = {
    name: UnumFunction(stack, f"Faasr-{name}", code=lambda_.Code.from_asset(FUNCTIONS), handler="index.echo")
    for name in ("prepare", "validate", "publish")
}
with open(FAASR, encoding="utf-8") as f:
    faasr_json = f.read()
UnumWorkflow(
    stack,
    "Imported",
    definition=WorkflowDefinition.from_faasr(stack, "FaasrDefinition", faasr_json, functions=functions),
)

app.synth()
