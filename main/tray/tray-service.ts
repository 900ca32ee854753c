// Owns the tray's state and renders a TrayModel idempotently: the same model twice makes no
// Electron call, and only the parts that changed are pushed (a menu rebuild on Linux flickers).
// The Tray itself comes from an injected factory, so tests run without Electron.
import type { Health } from '../presenters/phone-health.js';
import type { TrayAction, TrayMenuItem, TrayModel } from './tray-presenter.js';

/** The few things we do to a tray icon; the Electron adapter implements them. */
export interface TrayPort {
  setIcon(health: Health): void;
  setToolTip(text: string): void;
  /** items carry plain actions; the port routes clicks to `onAction` given to the factory */
  setMenu(items: TrayMenuItem[]): void;
  destroy(): void;
}

export type TrayFactory = (onAction: (action: TrayAction) => void) => TrayPort;

export class TrayService {
  private port: TrayPort | null = null;
  private icon: Health | null = null;
  private tooltip: string | null = null;
  private menuKey: string | null = null;

  constructor(
    private readonly factory: TrayFactory,
    private readonly onAction: (action: TrayAction) => void,
  ) {}

  render(model: TrayModel): void {
    this.port ??= this.factory((a) => this.onAction(a));
    if (model.icon !== this.icon) {
      this.port.setIcon(model.icon);
      this.icon = model.icon;
    }
    if (model.tooltip !== this.tooltip) {
      this.port.setToolTip(model.tooltip);
      this.tooltip = model.tooltip;
    }
    const menuKey = JSON.stringify(model.menu);
    if (menuKey !== this.menuKey) {
      this.port.setMenu(model.menu);
      this.menuKey = menuKey;
    }
  }

  destroy(): void {
    this.port?.destroy();
    this.port = null;
    this.icon = this.tooltip = this.menuKey = null;
  }
}
