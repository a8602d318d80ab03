/** npm run decline: see ./answer.ts. */
import { answerCommand, usage } from './answer';
import { runCli } from './common';

runCli(async () => {
  const { code, stdout } = await answerCommand('decline', process.argv.slice(2));
  process.stdout.write(stdout);
  return code;
}, usage('decline'));
