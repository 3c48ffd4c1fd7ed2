"""
For bench/parts/python-runtime.ts: runs each workflow case of apps.py once
with every node in the Node runtime and once with every node in the Python
runtime, on the same servers, and prints the store requests of each run
(by operation, counted by the engine's counting proxy) as JSON.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from apps import CASES, JS, PY, case_id  # noqa: E402
from harness import CREDENTIALS, REPO, Servers, World, node_script  # noqa: E402


def main():
    os.environ.update(CREDENTIALS)
    compiled = json.loads(subprocess.run(node_script('workflows.ts'), cwd=REPO, check=True, capture_output=True, text=True).stdout)
    servers = Servers()
    rows = []
    try:
        for case in CASES:
            _, workflow, input_, expected, options = case
            row = {'case': case_id(case)}
            for runtime in ('node', 'python'):
                w = World(servers, compiled[workflow], **options)
                nodes = [c['node'] for c in w.compiled['functions']]
                if runtime == 'python':
                    w.deploy({n: PY[workflow][n] for n in nodes})
                else:
                    w.deploy({}, node_handlers={n: JS[workflow][n] for n in nodes})
                servers.reset()
                session = w.run(input_)
                stats = servers.stats()
                if w.result(session) != expected:
                    raise AssertionError(f'{row["case"]} in {runtime}: unexpected result')
                row[runtime] = stats['counts']
                row[f'{runtime}Shapes'] = stats['shapes']
                w.close()
            row['equal'] = row['node'] == row['python'] and row['nodeShapes'] == row['pythonShapes']
            del row['nodeShapes'], row['pythonShapes']
            rows.append(row)
            print(f"{row['case']}: {'equal' if row['equal'] else 'DIFFERENT'}", file=sys.stderr)
    finally:
        servers.stop()
    print(json.dumps(rows))


if __name__ == '__main__':
    main()
