/**
 * A checker for Apptainer/Singularity definition files. Apptainer cannot be installed on this machine
 * kind (no Debian package in bookworm), so `apptainer build` cannot validate them here; this checks the
 * structure Apptainer's parser expects (header keywords, known sections, bootstrap agents and their
 * From:) and hands the shell sections to ShellCheck.
 */
export interface DefFile {
  header: Map<string, string>;
  sections: Map<string, string>;
  problems: string[];
}

/** Bootstrap agents Apptainer 1.x documents; those needing From: are marked. */
const AGENTS: Record<string, boolean> = {
  library: true,
  docker: true,
  'docker-daemon': true,
  'docker-archive': true,
  'oci': true,
  'oci-archive': true,
  oras: true,
  shub: true,
  localimage: true,
  scratch: false,
  busybox: false,
  debootstrap: false,
  yum: false,
  zypper: false,
  arch: false,
};

const SECTIONS = ['setup', 'files', 'environment', 'post', 'runscript', 'startscript', 'test', 'labels', 'help', 'arguments'];
/** Sections whose body Apptainer runs with /bin/sh. */
export const SHELL_SECTIONS = ['setup', 'post', 'environment', 'runscript', 'startscript', 'test'];

export function parseDef(text: string): DefFile {
  const header = new Map<string, string>();
  const sections = new Map<string, string>();
  const problems: string[] = [];
  let current: string | undefined;
  let body: string[] = [];
  const close = () => {
    if (current !== undefined) sections.set(current, dedent(body).join('\n'));
  };
  text.split('\n').forEach((line, i) => {
    const section = /^%(\w+)\s*(.*)$/.exec(line);
    if (section) {
      close();
      current = section[1];
      body = [];
      if (!SECTIONS.includes(current)) problems.push(`line ${i + 1}: unknown section %${current}`);
      if (sections.has(current)) problems.push(`line ${i + 1}: section %${current} appears twice`);
      if (section[2] && !section[2].startsWith('#') && !section[2].startsWith('-')) {
        problems.push(`line ${i + 1}: unexpected text after %${current}: ${section[2]}`);
      }
      return;
    }
    if (current !== undefined) {
      body.push(line);
      return;
    }
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const keyword = /^([A-Za-z][\w-]*):\s*(.*)$/.exec(trimmed);
    if (!keyword) {
      problems.push(`line ${i + 1}: header lines are "Keyword: value", got ${JSON.stringify(trimmed)}`);
      return;
    }
    header.set(keyword[1].toLowerCase(), keyword[2].trim());
  });
  close();

  const agent = header.get('bootstrap');
  if (agent === undefined) problems.push('the header has no Bootstrap: line');
  else if (!(agent in AGENTS)) problems.push(`Bootstrap: ${agent} is not an Apptainer bootstrap agent`);
  else if (AGENTS[agent] && !header.get('from')) problems.push(`Bootstrap: ${agent} needs a From: line`);
  for (const line of (sections.get('labels') ?? '').split('\n')) {
    if (line.trim() && !line.trim().startsWith('#') && !/^\S+\s+\S/.test(line.trim())) {
      problems.push(`%labels line ${JSON.stringify(line.trim())} is not "key value"`);
    }
  }
  for (const line of (sections.get('files') ?? '').split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (line.trim() && !line.trim().startsWith('#') && fields.length > 2) {
      problems.push(`%files line ${JSON.stringify(line.trim())} has more than "source [destination]"`);
    }
  }
  return { header, sections, problems };
}

/** Remove the common indentation, as the section bodies are written indented. */
function dedent(lines: string[]): string[] {
  const indents = lines.filter((l) => l.trim()).map((l) => /^\s*/.exec(l)![0].length);
  const cut = indents.length ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(cut)).join('\n').trimEnd().split('\n');
}
