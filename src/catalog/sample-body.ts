/**
 * The sample body of the product article (shared/reference/http-notifier.txt), exactly as
 * printed there — object members without their enclosing braces, so not valid JSON — and
 * the valid form (`{` before, `}}` after) used by the walkthrough, demo, tests and benchmark.
 */
export const SAMPLE_BODY_AS_PRINTED = `"data": {

"call_id": "{{call_id}}",
"agent_id": "{{agent_id}}",
"contact_phone_number": "{{contact_phone_number}}",
"contact_id": "{{contact_id}}",
"call_duration": "{{duration}}",
"wait_duration": "{{waiting_time}}",
"hold_duration": "{{holding_time}}",
"total_call_duration": "{{total_duration}}",
"during_business_hours": "{{in_business_hours}}"`;

export const SAMPLE_BODY = `{${SAMPLE_BODY_AS_PRINTED}}}`;

/** The trigger whose fields cover every placeholder of the sample. */
export const SAMPLE_TRIGGER = 'inbound_call_ended';
