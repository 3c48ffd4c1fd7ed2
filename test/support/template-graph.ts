/** Dependencies between resources of a synthesized template: Ref, Fn::GetAtt, Fn::Sub and DependsOn. */
export function resourceDependencies(template: any): Map<string, Set<string>> {
  const resources: Record<string, any> = template.Resources ?? {};
  const deps = new Map<string, Set<string>>();
  for (const [id, resource] of Object.entries(resources)) {
    const found = new Set<string>();
    const visit = (node: any): void => {
      if (Array.isArray(node)) return node.forEach(visit);
      if (node === null || typeof node !== 'object') return;
      if (typeof node.Ref === 'string' && node.Ref in resources) found.add(node.Ref);
      if (Array.isArray(node['Fn::GetAtt']) && node['Fn::GetAtt'][0] in resources) found.add(node['Fn::GetAtt'][0]);
      Object.values(node).forEach(visit);
    };
    visit(resource.Properties);
    for (const d of [resource.DependsOn ?? []].flat()) found.add(d);
    deps.set(id, found);
  }
  return deps;
}

/** A dependency cycle (as resource ids) if CloudFormation would refuse the template, else undefined. */
export function findDependencyCycle(template: any): string[] | undefined {
  const deps = resourceDependencies(template);
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'open') return [...path.slice(path.indexOf(id)), id];
    state.set(id, 'open');
    path.push(id);
    for (const d of deps.get(id) ?? []) {
      const cycle = visit(d);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of deps.keys()) {
    const cycle = visit(id);
    if (cycle) return cycle;
  }
  return undefined;
}
