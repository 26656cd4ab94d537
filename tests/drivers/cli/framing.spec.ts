// Framing, prompts and console text, pure (no device): the shapes come from
// yamaha-platform-facts.md §3.1-§3.3.

import { test, expect } from '@playwright/test';
import { findPromptEnd, frameResponse } from '../../../drivers/cli/framing.ts';
import { classifyPrompt, learnPrompt, route } from '../../../drivers/cli/prompt-states.ts';
import { asyncLineMatcher } from '../../../drivers/cli/async-lines.ts';
import { physicalLines, stripAnsi, unwrapLines } from '../../../drivers/cli/text.ts';
import { renderSyslog } from '../../../reference-impl/syslog/catalogue.ts';

const isAsync = asyncLineMatcher();

test('prompts of facts §3.2 are learned: `> `, `# `, `YAMAHA-SUDOU# `, `[RTX1210] >`', () => {
  expect(learnPrompt('> ')).toEqual({ prompt: { prefix: '', suffix: ' ' }, state: 'user' });
  expect(learnPrompt('# ')).toEqual({ prompt: { prefix: '', suffix: ' ' }, state: 'administrator' });
  expect(learnPrompt('YAMAHA-SUDOU# ')).toEqual({ prompt: { prefix: 'YAMAHA-SUDOU', suffix: ' ' }, state: 'administrator' });
  expect(learnPrompt('[RTX1210] >')).toEqual({ prompt: { prefix: '[RTX1210] ', suffix: '' }, state: 'user' });
  expect(learnPrompt('Copyright (c) 1994-2020 Yamaha Corporation.')).toBeNull();
});

test('a learned prefix classifies user, administrator and a tunnel context marker', () => {
  const p = { prefix: '[RTX1210] ', suffix: ' ' };
  expect(classifyPrompt('[RTX1210] > ', p)).toEqual({ state: 'user', marker: '' });
  expect(classifyPrompt('[RTX1210] # ', p)).toEqual({ state: 'administrator', marker: '' });
  expect(classifyPrompt('[RTX1210] tunnel1# ', p)).toEqual({ state: 'tunnel', marker: 'tunnel1' });
  expect(classifyPrompt('> ', p)).toBeNull();
  expect(classifyPrompt('[RTX1210] show config # comment text', p)).toBeNull();
});

test('paths between states follow facts §3.1 (administrator, quit) and tunnel select', () => {
  expect(route('user', 'tunnel').map((p) => p.command({ tunnel: 3 }))).toEqual(['administrator', 'tunnel select 3']);
  expect(route('tunnel', 'user').map((p) => p.command({}))).toEqual(['quit']);
  expect(route('user', 'administrator')[0].dialogs).toEqual(['adminPassword']);
});

test('ANSI escapes, CR redraws and backspaces are resolved', () => {
  expect(stripAnsi('\x1b[1mbold\x1b[0m \x1b]0;title\x07x')).toBe('bold x');
  expect(physicalLines('a\r\nab\x08c\r\n--- more ---\rreal\r\n> ')).toEqual(['a', 'ac', 'real', '> ']);
});

test('a line hard-wrapped at 80 columns mid-token is joined (facts §3.3 `classless_sta\\r\\ntic_route`)', () => {
  const first = 'x'.repeat(64) + 'classless_sta';
  const head = first.padEnd(80, 'y');
  expect(unwrapLines([head, 'tic_route=1', 'next'], { columns: 80 }).lines).toEqual([head + 'tic_route=1', 'next']);
  // the echo line starts after the prompt: its first physical line is shorter by the prompt's width
  expect(unwrapLines(['a'.repeat(70), 'b'], { columns: 80, firstLineOffset: 10 }).lines).toEqual(['a'.repeat(70) + 'b']);
  // wide characters take two columns
  expect(unwrapLines(['あ'.repeat(40), 'tail'], { columns: 80 }).lines).toEqual(['あ'.repeat(40) + 'tail']);
});

test('catalogue syslog lines are async; `show log` lines with a timestamp are output (facts §3.5)', () => {
  expect(isAsync(renderSyslog('tunnelEstablished', { tunnel: 1, tunnelId: 5 }))).toBe(true);
  expect(isAsync('IP Tunnel[1] Up')).toBe(true);
  expect(isAsync('1980/01/01 09:02:49: IP Tunnel[1] Up')).toBe(false);
  expect(isAsync(' l2tp always-on on')).toBe(false);
});

test('a response is framed: echo out, async lines apart, errors found, prompt removed', () => {
  const prompt = { prefix: '', suffix: ' ' };
  const syslog = renderSyslog('connectedFrom', { tunnel: 1, address: '192.0.2.2' });
  const raw = `tunnel select 9\r\n${syslog}\r\nエラー：パラメータが範囲を越えています\r\n# `;
  expect(findPromptEnd(raw, prompt, isAsync)?.match).toEqual({ state: 'administrator', marker: '' });
  const f = frameResponse(raw, { command: 'tunnel select 9', previousPrompt: '# ', prompt, columns: 80, isAsync });
  expect(f).toEqual({ lines: ['エラー：パラメータが範囲を越えています'], errors: ['エラー：パラメータが範囲を越えています'], asyncLines: [syslog], echoSeen: true });
  // output cut in a chunk right after a `# ` comment start is not a prompt yet: only the last line counts
  expect(findPromptEnd('show config\r\n# RTX830 Rev.15.02.17\r\n', prompt, isAsync)).toBeUndefined();
});
