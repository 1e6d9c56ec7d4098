// Code written for @apple/app-store-server-library 3.1.0, with only the import line changed: its
// constructors, enums, paging loop (revision: string | null), catch blocks and signature creators
// must compile under --strict against iap-verify's types.
import {
  APIError,
  APIException,
  AppStoreServerAPIClient,
  AdvancedCommerceInAppRequest,
  AdvancedCommerceInAppSignatureCreator,
  Environment,
  GetTransactionHistoryVersion,
  HistoryResponse,
  IntroductoryOfferEligibilitySignatureCreator,
  NotificationTypeV2,
  Order,
  ProductType,
  PromotionalOfferSignatureCreator,
  PromotionalOfferV2SignatureCreator,
  ReceiptUtility,
  SignedDataVerifier,
  Status,
  Subtype,
  TransactionHistoryRequest,
} from 'iap-verify';

declare const encodedKey: string;

export async function history(): Promise<string[]> {
  const client = new AppStoreServerAPIClient(encodedKey, 'keyId', 'issuerId', 'com.example', Environment.PRODUCTION);
  const transactionHistoryRequest: TransactionHistoryRequest = {
    sort: Order.ASCENDING,
    revoked: false,
    productTypes: [ProductType.AUTO_RENEWABLE],
  };
  let response: HistoryResponse | null = null;
  let transactions: string[] = [];
  while (response == null || response.hasMore) {
    const revision: string | null = response != null && response.revision ? response.revision : null;
    response = await client.getTransactionHistory('1', revision, transactionHistoryRequest, GetTransactionHistoryVersion.V2);
    if (response.signedTransactions) transactions = transactions.concat(response.signedTransactions);
  }
  return transactions;
}

export async function catchBlock(client: AppStoreServerAPIClient): Promise<number | null> {
  try {
    await client.requestTestNotification();
    return null;
  } catch (e) {
    if (e instanceof APIException) {
      const status: number = e.httpStatusCode;
      if (e.apiError === APIError.TRANSACTION_ID_NOT_FOUND) return status;
      const message: string | null = e.errorMessage;
      return message === null ? status : -1;
    }
    throw e;
  }
}

export async function online(root: Uint8Array): Promise<boolean> {
  const verifier = new SignedDataVerifier([root], true, Environment.PRODUCTION, 'com.example', 1234);
  const n = await verifier.verifyAndDecodeNotification('jws');
  return n.notificationType === NotificationTypeV2.SUBSCRIBED && n.subtype === Subtype.INITIAL_BUY && Status.ACTIVE === 1;
}

interface MyRequest extends AdvancedCommerceInAppRequest {
  operation: string;
  version: string;
}

export function sign(key: string): string[] {
  const request: MyRequest = { operation: 'CREATE_SUBSCRIPTION', version: '1' };
  return [
    new PromotionalOfferSignatureCreator(key, 'keyId', 'com.example').createSignature('p', 'o', '', 'nonce', Date.now()),
    new PromotionalOfferV2SignatureCreator(key, 'keyId', 'issuerId', 'com.example').createSignature('p', 'o'),
    new IntroductoryOfferEligibilitySignatureCreator(key, 'keyId', 'issuerId', 'com.example').createSignature('p', true, 't'),
    new AdvancedCommerceInAppSignatureCreator(key, 'keyId', 'issuerId', 'com.example').createSignature(request),
    new ReceiptUtility().extractTransactionIdFromAppReceipt('MII') ?? '',
  ];
}
