// The in-process floor of text-processing-mixed: the TypeScript steps called directly, the Python ones in python3.
import * as path from 'path';
import { pythonHandler } from '../support/python';
import { ReferenceRun, roundTrip } from '../support/reference';
import { handler as draft } from '../text-processing/functions/draft';
import { handler as publish } from '../text-processing/functions/publish';
import { handler as shortenUrls } from '../text-processing/functions/shorten-urls';

const py = (dir: string) => pythonHandler(path.join(__dirname, 'functions', dir), 'app.py', 'lambda_handler');

export async function runReference(input: unknown): Promise<unknown> {
  const run = new ReferenceRun('TextProcessingMixed');
  const drafted = await run.call('Draft', draft, roundTrip(input));
  const analyzed = await run.parallel('Analyze', drafted, [], [
    (value, frames) => run.call('ExtractMentions', py('extract_mentions'), value, frames),
    async (value, frames) => run.call('ShortenUrls', shortenUrls, await run.call('FindUrls', py('find_urls'), value, frames), frames),
  ]);
  const post = await run.call('CreatePost', py('create_post'), analyzed);
  return run.call('Publish', publish, post as any);
}
