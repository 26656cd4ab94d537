// What the killed test pushes: changes in two tunnels, a removal, a changed login password and
// tunnel secret (restored from the lab's known config), and a new global line.
import { SECRETS } from './lab.ts';

export const PUSH_LINES = [
  'tunnel select 1',
  ' l2tp hostname killed-1',
  ` l2tp tunnel auth on ${SECRETS.pushedAuth}`,
  ' no l2tp keepalive use',
  'tunnel select 2',
  ' l2tp hostname killed-2',
  'tunnel select none',
  `login user yamaha ${SECRETS.pushedUser}`,
  'syslog host 192.0.2.77',
];

export const KILLED_PUSH_DEVICE = 'rt-killed';
