// Real <dialog> elements: modal, focus trapped by the browser, Escape closes (returnValue ''),
// so a confirmation is keyboard-usable without any code of ours deciding focus.
import type { BackupListItem } from '../main/ipc/contract.js';
import { byId, el } from './dom.js';
import { isoText } from '../main/presenters/durations.js';

function closed(dialog: HTMLDialogElement): Promise<string> {
  return new Promise((resolve) => dialog.addEventListener('close', () => resolve(dialog.returnValue), { once: true }));
}

export async function confirmDialog(opts: { title: string; text: string; ok: string }): Promise<boolean> {
  const dialog = byId<HTMLDialogElement>('confirm-dialog');
  byId('confirm-title').textContent = opts.title;
  byId('confirm-text').textContent = opts.text;
  byId('confirm-ok').textContent = opts.ok;
  dialog.returnValue = '';
  const done = closed(dialog);
  dialog.showModal();
  byId('confirm-cancel').focus();
  return (await done) === 'ok';
}

function sizeText(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Lets the user pick one backup; resolves with its name, or null when cancelled. */
export async function chooseBackup(title: string, items: BackupListItem[]): Promise<string | null> {
  const dialog = byId<HTMLDialogElement>('restore-dialog');
  const list = byId<HTMLFieldSetElement>('restore-list');
  const ok = byId<HTMLButtonElement>('restore-ok');
  byId('restore-title').textContent = title;
  list.replaceChildren(el('legend', { text: items.length === 0 ? 'No backups yet' : 'Backups, newest first' }));
  const sorted = [...items].sort((a, b) => b.createdAt - a.createdAt);
  sorted.forEach((item, i) => {
    const id = `restore-item-${i}`;
    list.append(
      el('div', { class: 'restore-item' },
        el('input', { attrs: { type: 'radio', name: 'generation', id, value: item.name, ...(i === 0 ? { checked: true } : {}) } }),
        el('label', { attrs: { for: id } }, el('span', { text: isoText(item.createdAt) }), ' ', el('span', { class: 'muted', text: `${item.name} · ${sizeText(item.size)}` })),
      ),
    );
  });
  ok.disabled = sorted.length === 0;
  byId('restore-message').textContent = '';
  dialog.returnValue = '';
  const done = closed(dialog);
  dialog.showModal();
  if ((await done) !== 'ok') return null;
  const picked = list.querySelector<HTMLInputElement>('input[name="generation"]:checked');
  return picked?.value ?? null;
}
