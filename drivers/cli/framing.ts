// Command/response framing, pure: the raw text the device sent after we typed a command, up
// to and including the next prompt -> the command's output lines, its error lines, the console
// syslog lines interleaved with it, and the prompt it ended on. facts §3.3: the command is
// echoed, lines end in CRLF, long lines are hard-wrapped at the console width, the prompt
// follows the last CRLF.

import { classifyPrompt, ERROR_LINE, PAGER_ASSUMPTION, type LearnedPrompt, type PromptMatch } from './prompt-states.ts';
import { displayWidth, physicalLines, unwrapLines } from './text.ts';

export interface PromptEnd {
  /** the prompt line */
  line: string;
  match: PromptMatch;
}

/**
 * Where a response ends: the unfinished last line is a prompt, or the last lines after a prompt
 * are complete async lines (a device that prints syslog after its prompt without reprinting it).
 */
export function findPromptEnd(raw: string, prompt: LearnedPrompt, isAsync: (line: string) => boolean): PromptEnd | undefined {
  const lines = physicalLines(raw);
  let i = lines.length - 1;
  if (lines[i] === '' && i > 0) {
    // a finished line: only complete async lines may follow the prompt
    i--;
    while (i > 0 && isAsync(lines[i])) i--;
    if (i === lines.length - 2) return undefined;
  }
  const match = classifyPrompt(lines[i], prompt);
  return match ? { line: lines[i], match } : undefined;
}

export interface FramedResponse {
  /** output lines, echo and prompt removed, wrapped lines joined */
  lines: string[];
  /** lines starting with `Error:` / `エラー：` */
  errors: string[];
  /** console syslog lines that arrived meanwhile */
  asyncLines: string[];
  /** false when the echo of the command was not found (the output is then returned whole) */
  echoSeen: boolean;
}

export interface FrameOptions {
  command: string;
  /** the prompt line the command was typed after (its width offsets the echo's wrap) */
  previousPrompt: string;
  prompt: LearnedPrompt;
  columns: number;
  isAsync: (line: string) => boolean;
  /** question lines the session answered (removed from the output) */
  answeredQuestions?: readonly RegExp[];
}

export function frameResponse(raw: string, opts: FrameOptions): FramedResponse {
  const physical = physicalLines(raw);
  // drop the final prompt and any async lines printed after it
  let end = physical.length - 1;
  const trailingAsync: string[] = [];
  if (physical[end] === '' && end > 0) {
    end--;
    while (end > 0 && opts.isAsync(physical[end])) trailingAsync.unshift(physical[end--]);
  }
  if (classifyPrompt(physical[end], opts.prompt)) physical.length = end;
  else physical.length = end + 1;

  const unwrapped = unwrapLines(physical, { columns: opts.columns, firstLineOffset: displayWidth(opts.previousPrompt), isAsync: opts.isAsync });
  const asyncLines = [...unwrapped.asyncLines];
  let lines: string[] = [];
  for (const line of unwrapped.lines) {
    if (opts.isAsync(line)) asyncLines.push(line.trim());
    else lines.push(line.replace(PAGER_ASSUMPTION.pattern, ''));
  }
  asyncLines.push(...trailingAsync.map((l) => l.trim()));

  // the echo: the first line that is the command (the device may reprint the prompt before it)
  const cmd = opts.command.trim();
  let echoSeen = false;
  const firstContent = lines.findIndex((l) => l.trim() !== '');
  if (firstContent >= 0) {
    const first = lines[firstContent].trimEnd();
    if (cmd === '' ? first === '' : first === cmd || first.endsWith(cmd)) {
      echoSeen = true;
      lines = lines.slice(firstContent + 1);
    }
  } else if (cmd === '') {
    echoSeen = true;
    lines = [];
  }
  if (opts.answeredQuestions?.length) {
    lines = lines.filter((l) => !opts.answeredQuestions!.some((q) => q.test(l)));
  }
  // a leading empty line is the rest of the echo line (e.g. after a hidden password)
  while (lines.length > 0 && lines[0].trim() === '' && !echoSeen) lines.shift();
  const errors = lines.filter((l) => ERROR_LINE.test(l)).map((l) => l.trim());
  return { lines, errors, asyncLines, echoSeen };
}
