// A lived-in home for the sandbox user: shell rc files and history, git and editor configuration, an npm
// prefix in the home (where the probed tool is "installed"), and a small project with git history as the
// working directory. A tool that looks for an empty or freshly made home to decide it is being watched finds
// an ordinary developer's account. Pure: the runner writes what this returns.

export interface HomeFile {
  /** Relative to the home directory. */
  path: string;
  content: string;
  mode?: number;
}

export interface Commit {
  message: string;
  /** Days before the run. */
  daysAgo: number;
  files: { path: string; content: string }[];
}

/** The user's full name for git and passwd, from the login name. */
export function fullName(user: string): string {
  const first = user.charAt(0).toUpperCase() + user.slice(1);
  return `${first} Morgan`;
}

export function homeFiles(user: string, hostname: string): HomeFile[] {
  const name = fullName(user);
  return [
    {
      path: '.bashrc',
      content:
        '# ~/.bashrc: executed by bash(1) for non-login shells.\n' +
        'case $- in *i*) ;; *) return;; esac\n' +
        'HISTCONTROL=ignoreboth\nshopt -s histappend\nHISTSIZE=1000\nHISTFILESIZE=2000\nshopt -s checkwinsize\n' +
        "PS1='\\u@\\h:\\w\\$ '\nalias ll='ls -alF'\nalias la='ls -A'\nalias gs='git status'\n" +
        'export PATH="$HOME/.npm-global/bin:$HOME/.local/bin:$PATH"\nexport EDITOR=vim\n' +
        '[ -f ~/.bash_aliases ] && . ~/.bash_aliases\n',
    },
    { path: '.profile', content: '# ~/.profile: executed by the command interpreter for login shells.\nif [ -n "$BASH_VERSION" ] && [ -f "$HOME/.bashrc" ]; then . "$HOME/.bashrc"; fi\nif [ -d "$HOME/.local/bin" ]; then PATH="$HOME/.local/bin:$PATH"; fi\n' },
    { path: '.bash_logout', content: '# ~/.bash_logout: executed by bash(1) when login shell exits.\n' },
    { path: '.bash_aliases', content: "alias gco='git checkout'\nalias gl='git log --oneline --graph'\nalias nr='npm run'\n" },
    {
      path: '.bash_history',
      content: ['cd src/webapp', 'git status', 'npm install', 'npm test', 'git log --oneline | head', 'vim src/index.js', 'npm run build', 'git add -A', 'git commit -m "fix date parsing"', 'git push', 'ls -la', 'npm outdated', 'cd ~', 'df -h', 'top', 'cd src/webapp'].join('\n') + '\n',
      mode: 0o600,
    },
    { path: '.gitconfig', content: `[user]\n\tname = ${name}\n\temail = ${user}.morgan@fastmail.com\n[init]\n\tdefaultBranch = main\n[pull]\n\trebase = true\n[core]\n\teditor = vim\n[alias]\n\tst = status\n\tco = checkout\n` },
    { path: '.vimrc', content: 'syntax on\nset number\nset expandtab\nset shiftwidth=2\nset tabstop=2\nset hlsearch\nfiletype plugin indent on\n' },
    { path: '.npmrc', content: 'prefix=${HOME}/.npm-global\nfund=false\n' },
    { path: '.config/Code/User/settings.json', content: '{\n  "editor.fontSize": 13,\n  "editor.formatOnSave": true,\n  "files.trimTrailingWhitespace": true,\n  "workbench.colorTheme": "Default Dark Modern"\n}\n' },
    { path: '.ssh/known_hosts', content: 'github.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n', mode: 0o600 },
    { path: '.ssh/config', content: 'Host github.com\n  User git\n  IdentityFile ~/.ssh/id_ed25519\n', mode: 0o600 },
    { path: '.local/share/recently-used.xbel', content: '<?xml version="1.0" encoding="UTF-8"?>\n<xbel version="1.0"/>\n' },
    { path: '.cache/.keep', content: '' },
    { path: 'Documents/notes.md', content: `# notes\n\n- renew domain before March\n- ${hostname}: upgrade to 16 GB\n` },
    { path: 'Downloads/.keep', content: '' },
  ];
}

/** The working directory's project: a few commits spread over past weeks. */
export function projectHistory(): Commit[] {
  const pkg = (version: string) => JSON.stringify({ name: 'webapp', version, private: true, type: 'module', scripts: { start: 'node src/index.js', test: 'node --test' } }, null, 2) + '\n';
  return [
    { message: 'initial commit', daysAgo: 41, files: [{ path: 'package.json', content: pkg('0.1.0') }, { path: 'README.md', content: '# webapp\n\nSmall service for the team dashboard.\n' }, { path: '.gitignore', content: 'node_modules\n.env\ndist\n' }] },
    { message: 'add server', daysAgo: 33, files: [{ path: 'src/index.js', content: "import http from 'node:http';\n\nhttp.createServer((req, res) => res.end('ok')).listen(process.env.PORT ?? 3000);\n" }] },
    { message: 'fix date parsing', daysAgo: 9, files: [{ path: 'src/dates.js', content: 'export const parse = (s) => new Date(s);\n' }, { path: 'package.json', content: pkg('0.2.0') }] },
    { message: 'tests for dates', daysAgo: 2, files: [{ path: 'test/dates.test.js', content: "import { test } from 'node:test';\nimport { parse } from '../src/dates.js';\n\ntest('parses', () => parse('2024-01-01'));\n" }] },
  ];
}
