// User code of the smoke-test workflow (synthesized only, never run by the smoke test).
exports.split = async (input) => ({ numbers: input.numbers });
exports.total = async (squares) => ({ sum: squares.reduce((a, b) => a + b, 0) });
exports.echo = async (input) => input;
