"""Access: who may do what (policy), and the audit log of everything done or refused."""
