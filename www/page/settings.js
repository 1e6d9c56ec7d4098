// Settings live in this browser's localStorage only; nothing here is ever sent anywhere.
const KEY = 'iap-verify.dashboard.settings.v1';

/**
 * The settings: licence keys, Apple's expected values, extra trust anchors.
 * @typedef {{ googleKey: string, onestoreKey: string, allowLegacyKeys: boolean, bundleId: string, environment: string, appAppleId: string, roots: string[] }} Settings
 */

/** @type {Readonly<Settings>} */
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

/**
 * The saved settings, each of the type its default has (else the default).
 * @returns {Settings}
 */
export function loadSettings(storage = globalThis.localStorage) {
  try {
    const saved = JSON.parse(storage?.getItem(KEY) ?? '{}');
    /** @type {Record<string, unknown>} */
    const out = { ...DEFAULTS };
    const defaults = /** @type {Record<string, unknown>} */ ({ ...DEFAULTS });
    for (const k of Object.keys(DEFAULTS)) if (saved && typeof saved[k] === typeof defaults[k]) out[k] = saved[k];
    if (!Array.isArray(out.roots)) out.roots = [];
    return /** @type {Settings} */ (out);
  } catch {
    return { ...DEFAULTS };
  }
}

/** @param {Settings} settings */
export function saveSettings(settings, storage = globalThis.localStorage) {
  storage?.setItem(KEY, JSON.stringify(settings));
}

export function clearSettings(storage = globalThis.localStorage) {
  storage?.removeItem(KEY);
}
