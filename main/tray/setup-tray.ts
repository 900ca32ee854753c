// The Electron side of the tray: a TrayPort over Electron's Tray, translating plain menu data.
import { Menu, Tray, nativeImage, type MenuItemConstructorOptions } from 'electron';
import type { Health } from '../presenters/phone-health.js';
import type { TrayAction, TrayMenuItem } from './tray-presenter.js';
import type { TrayFactory } from './tray-service.js';
import { trayIconFile } from './tray-icons.js';

export function toElectronMenu(items: TrayMenuItem[], onAction: (a: TrayAction) => void): MenuItemConstructorOptions[] {
  return items.map((item): MenuItemConstructorOptions => {
    switch (item.type) {
      case 'separator':
        return { type: 'separator' };
      case 'label': {
        const action = item.action;
        return { type: 'normal', label: item.label, enabled: item.enabled, ...(action ? { click: () => onAction(action) } : {}) };
      }
      case 'checkbox':
        return { type: 'checkbox', label: item.label, checked: item.checked, enabled: item.enabled, click: () => onAction(item.action) };
      case 'submenu':
        return { type: 'submenu', label: item.label, enabled: item.enabled, submenu: toElectronMenu(item.submenu, onAction) };
    }
  });
}

export function electronTrayFactory(opts: { iconDir: string; platform: NodeJS.Platform; onClick?: () => void }): TrayFactory {
  return (onAction) => {
    const image = (health: Health) => {
      const img = nativeImage.createFromPath(trayIconFile(opts.iconDir, health, opts.platform));
      if (opts.platform === 'darwin') img.setTemplateImage(true);
      return img;
    };
    const tray = new Tray(image('attention'));
    if (opts.onClick) tray.on('click', opts.onClick);
    return {
      setIcon: (health) => tray.setImage(image(health)),
      setToolTip: (text) => tray.setToolTip(text),
      setMenu: (items) => tray.setContextMenu(Menu.buildFromTemplate(toElectronMenu(items, onAction))),
      destroy: () => tray.destroy(),
    };
  };
}
