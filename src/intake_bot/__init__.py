"""intake-bot: answers the CA/Browser Forum membership mailbox."""
