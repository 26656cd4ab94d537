// Test helper: runs cli/lab.ts's labCommand as its own process, exactly as `l2tpv3-conformance lab`
// will once the subcommand is registered in cli/main.ts.
import { labCommand } from '../../../cli/lab.ts';

process.exitCode = await labCommand(process.argv.slice(2));
