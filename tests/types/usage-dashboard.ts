// iap-verify-dashboard from JS, and the Host checks of iap-verify-emulator it uses: what their
// READMEs document. Nothing here runs.
import { startDashboard, loadConfig, main, type Dashboard, type DashboardConfig } from 'iap-verify-dashboard';
import { main as emulatorMain } from 'iap-verify-emulator/cli';
import { hostCheck, checkAllowedHost, checkPublicOrigin, hostHeaderName, LOOPBACK_NAMES } from 'iap-verify-emulator/host-check';

export async function dashboardUsage(): Promise<string> {
  const dash: Dashboard = await startDashboard({ port: 0, emulator: true, allowedHosts: ['support.internal'], publicOrigin: 'https://support.example.com', maxConnections: 16 });
  const seeded: string | undefined = dash.emulator?.iap.appKey;
  const conf: DashboardConfig = loadConfig({ env: { IAP_APPKEY: 'k', GOOGLE_PLAY_PACKAGE_NAME: 'com.example.app', ONESTORE_CLIENT_ID: 'c', ONESTORE_CLIENT_SECRET: 's' } });
  // What loadConfig reads besides NHN's: the stores' APIs.
  const stores: string = `${conf.appStore?.bundleId}${conf.googlePlay?.packageName}${conf.oneStore?.environment}`;
  const names: string[] = dash.hostNames;
  await dash.close();
  const code = await main(['--help'], { log: () => {}, signals: false, name: 'iap-verify-dashboard' });
  const emu = await emulatorMain(['--port', '0'], { signals: false });
  if (typeof emu !== 'number') await emu.close();
  return `${seeded}${conf.iap?.appKey}${stores}${names.join()}${typeof code === 'number' ? code : code.url}`;
}

export async function ledgerUsage(): Promise<string | null> {
  const { createMemoryPurchaseStore } = await import('iap-verify');
  const given = await startDashboard({ port: 0, ledger: { store: createMemoryPurchaseStore() } });
  const onPostgres = await startDashboard({ port: 0, ledger: { postgres: 'postgres://localhost/shop', table: 'iap_purchase', paymentTable: null } });
  const kind: 'postgres' | 'given' | null = given.ledger;
  await given.close();
  await onPostgres.close();
  return kind;
}

export function hostCheckUsage(host: string | undefined, origin: string | undefined): boolean {
  const check = hostCheck({ bindHost: '0.0.0.0', allowedHosts: [checkAllowedHost('iap-emulator')], publicOrigins: [checkPublicOrigin('https://a.example')] });
  check.listening(8787);
  const known: boolean = LOOPBACK_NAMES.includes(hostHeaderName(host) ?? '');
  return known || (check.hostAllowed({ headers: { host } }) && check.originAllowed({ headers: { origin } }));
}
