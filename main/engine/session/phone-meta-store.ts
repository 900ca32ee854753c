// The one holder of a phone's meta (pairing, last seen, why it needs a new link, removed
// devices): every change goes through here, so memory and meta.json never disagree for long.
import { EMPTY_META, readPhoneMeta, writePhoneMeta, type PhoneMeta } from '../phone-meta.js';

export class PhoneMetaStore {
  private current: PhoneMeta = { ...EMPTY_META, removedDevices: [] };

  constructor(private readonly dir: string) {}

  get value(): Readonly<PhoneMeta> {
    return this.current;
  }

  /** Reads meta.json; returns where a damaged file was set aside, or null. */
  async load(): Promise<string | null> {
    const { meta, setAside } = await readPhoneMeta(this.dir);
    this.current = meta;
    return setAside;
  }

  /** Changes memory only; `save` writes it. */
  set(patch: Partial<PhoneMeta>): void {
    this.current = { ...this.current, ...patch };
  }

  save(): Promise<void> {
    return writePhoneMeta(this.dir, this.current);
  }

  async update(patch: Partial<PhoneMeta>): Promise<void> {
    this.set(patch);
    await this.save();
  }
}
