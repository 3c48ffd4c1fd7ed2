/**
 * The query language of a state's data flow, as aws-stepfunctions'
 * `QueryLanguage` and Amazon States Language's `QueryLanguage` field.
 */
export enum QueryLanguage {
  /** InputPath, Parameters, ResultSelector, ResultPath, OutputPath and `.$` keys (the default). */
  JSON_PATH = 'JSONPath',
  /**
   * `arguments`, `outputs` and `assign`, whose `{% ... %}` strings are
   * JSONata expressions over `$states.input`, `$states.result`,
   * `$states.context` and the workflow variables, evaluated with the
   * `jsonata` package (Node) and `jsonata-python` (Python).
   */
  JSONATA = 'JSONata',
}
