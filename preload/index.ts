// Placeholder until the shell lands: the preload exposes window.keeper through contextBridge.
export {};
