// Replaced by the runtime test infrastructure (local DynamoDB + S3 servers).
export default async function globalSetup(): Promise<void> {}
