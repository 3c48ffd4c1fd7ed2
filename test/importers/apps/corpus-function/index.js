// The one function behind every Task of the corpus (test/fixtures/asl/corpus): it does what the
// fixture's sidecar says for its state, passed as CORPUS_TASK (JSON), else returns its input.
//   { "returns": v }                 returns v
//   { "merge": {...} }               returns the input object with these fields added
//   { "throws": "Name", "times": n } throws an error named Name on the first n attempts (every attempt without times)
//   { "throws": "Name", "fanOutTimes": n } throws in the first n attempts of the innermost Parallel or Map (its Retry re-runs it)
//   { "throws": "Name", "when": "field" } throws only when the input has a truthy `field`
exports.handler = async (input, context) => {
  const task = JSON.parse(process.env.CORPUS_TASK || '{}');
  const fanOut = context.fanouts[context.fanouts.length - 1];
  const throws = task.throws !== undefined
    && (task.times === undefined || context.attempt < task.times)
    && (task.fanOutTimes === undefined || (fanOut?.attempt ?? 0) < task.fanOutTimes)
    && (task.when === undefined || Boolean(input?.[task.when]));
  if (throws) {
    const error = new Error(`${task.throws} from the corpus function`);
    error.name = task.throws;
    throw error;
  }
  if ('returns' in task) return task.returns;
  if (task.merge !== undefined) return { ...input, ...task.merge };
  return input;
};
