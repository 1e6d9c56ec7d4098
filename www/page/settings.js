// Settings live in this browser's localStorage only; nothing here is ever sent anywhere.
const KEY = 'iap-verify.dashboard.settings.v1';

export const DEFAULTS = {
  googleKey: '',
  onestoreKey: '',
  allowLegacyKeys: false,
  bundleId: '',
  environment: '',
  appAppleId: '',
  /** PEM or base64 DER texts of extra trust anchors (Xcode's StoreKit certificate, test roots). */
  roots: [],
};

export function loadSettings(storage = globalThis.localStorage) {
  try {
    const saved = JSON.parse(storage?.getItem(KEY) ?? '{}');
    const out = { ...DEFAULTS };
    for (const k of Object.keys(DEFAULTS)) if (saved && typeof saved[k] === typeof DEFAULTS[k]) out[k] = saved[k];
    if (!Array.isArray(out.roots)) out.roots = [];
    return out;
  } catch {
    return { ...DEFAULTS };
  }
}

export function saveSettings(settings, storage = globalThis.localStorage) {
  storage?.setItem(KEY, JSON.stringify(settings));
}

export function clearSettings(storage = globalThis.localStorage) {
  storage?.removeItem(KEY);
}
