"""Payment providers: the webhooks by which a gateway reports that an order was paid."""
