// The in-process floor of text-processing: Draft, both branches concurrently, then CreatePost and Publish.
import { Analyzed, handler as createPost } from './functions/create-post';
import { handler as draft } from './functions/draft';
import { handler as extractMentions } from './functions/extract-mentions';
import { handler as findUrls } from './functions/find-urls';
import { handler as publish } from './functions/publish';
import { handler as shortenUrls } from './functions/shorten-urls';
import { ReferenceRun, roundTrip } from '../support/reference';

export async function runReference(input: unknown): Promise<unknown> {
  const run = new ReferenceRun('TextProcessing');
  const drafted = await run.call('Draft', draft, roundTrip(input));
  const analyzed = await run.parallel('Analyze', drafted, [], [
    (value, frames) => run.call('ExtractMentions', extractMentions, value, frames),
    async (value, frames) => run.call('ShortenUrls', shortenUrls, await run.call('FindUrls', findUrls, value, frames), frames),
  ]);
  const post = await run.call('CreatePost', createPost, analyzed as Analyzed);
  return run.call('Publish', publish, post);
}
