// The one-step skill the deferred-eval and new-model-trial tests evaluate: a JSON event whose title a case checks.
/** `repeat`: how many times its one case runs (the skill's default is 1). */
export function extractSkill(repeat?: number): string {
  return `name: extract
outcome: The event the user asked for, as JSON.
privacy: public
inputs:
  request: { type: string }
steps:
  - id: parse
    prompt: "Turn this into an event: {{request}}"
    schema:
      type: object
      required: [title]
      properties: { title: { type: string } }
tests:
  cases:
    - id: dentist
${repeat === undefined ? '' : `      repeat: ${repeat}\n`}      inputs: { request: dentist at 3pm }
      assert:
        - { type: json-path, path: $.title, contains: Dentist }
`;
}
