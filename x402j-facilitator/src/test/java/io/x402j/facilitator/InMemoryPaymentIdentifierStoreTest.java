package io.x402j.facilitator;

class InMemoryPaymentIdentifierStoreTest extends PaymentIdentifierStoreContract {
  final PaymentIdentifierStore store = PaymentIdentifierStore.inMemory();

  @Override
  PaymentIdentifierStore store() {
    return store;
  }

  @Override
  PaymentIdentifierStore sameStorage() {
    return store;
  }
}
