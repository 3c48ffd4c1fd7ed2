"""Pure port of src/protocol (snake_case names mirroring its exports); standard library only.

Constants and key formats come from _generated.py (`npx projen protocol:vectors`); the
conformance vectors in protocol-vectors/ check every function against the TypeScript.
"""
from ._generated import *  # noqa: F401,F403  every protocol constant, generated from src/protocol
from .callback import callback_object_key, encode_task_token  # noqa: F401
from .conditions import condition_paths, evaluate_condition, validate_condition  # noqa: F401
from .config import exceeds_tolerance, handles_failures, parse_config  # noqa: F401
from .context import (  # noqa: F401
    account_of_function_arn, context_object, context_path_problem, context_reads, query_state_path, read_context_path, read_state_path,
    reads_context, reads_session_record,
)
from .dataflow import (  # noqa: F401
    DataFlowError, apply_template, effective_input, is_jsonata_flow, needs_raw_input, parse_state_path, pass_output, state_output,
    template_problems, validate_data_flow,
)
from .intrinsics import (  # noqa: F401
    evaluate_intrinsic, intrinsic_paths, is_intrinsic, json_equals, parse_intrinsic, parsed_intrinsic, seeded_random_int,
    seeded_random_fraction, call_intrinsic_function,
)
from .jsonata import (  # noqa: F401
    evaluate_jsonata_template, is_jsonata_expression, jsonata_choice_transition, jsonata_condition, jsonata_flow_problems, jsonata_input,
    jsonata_item_selector, jsonata_output,
    jsonata_template_problems, jsonata_random, call_step_functions_jsonata_function,
)
from .deadline import is_past_deadline, timeout_cause, workflow_deadline  # noqa: F401
from .envelope import EnvelopeError, looks_like_envelope, parse_envelope, sqs_session_id  # noqa: F401
from .js import UNDEFINED, dumps as js_dumps, loads as js_loads  # noqa: F401
from .join import (  # noqa: F401
    branch_instance_key, dag_slot_instance_key, decode_element, encode_element, join_root_item_key,
    join_shard_item_key, shard_capacity, shard_count, shard_of, shard_size,
)
from .jsonpath import parse_path, parse_query, query_path, read_path, write_path  # noqa: F401
from .states import fail_details, has_jsonata_fields, jsonata_fail_details, jsonata_wait_until, parse_timestamp, wait_until  # noqa: F401
from .trace import format_trace_header, parse_trace_header, sampled_trace_id  # noqa: F401
from .keys import (  # noqa: F401
    callback_item_key, checkpoint_item_key, checkpoint_key_prefix, failure_item_key, fanout_attempt_key, fanout_failure_item_key, fanout_input_item_key,
    fanout_progress_item_key, frame_epoch, garbage_key, tolerated_failures_item_key, fanout_branch_failure_item_key,
    instance_key, item_kind, join_instance_key, join_key_base, payload_object_key, render_key, scope_key,
    session_item_key, session_object_prefix, start_object_key, workflow_key_prefix, workflow_object_prefix,
)
from .schedule import at_expression, parse_at_expression, schedule_name, scheduled_envelope_object_key  # noqa: F401
