// The user-facing types live in src/ so the published package ships them (cdk-unum/lib/handler).
export type * from '../src/handler';
