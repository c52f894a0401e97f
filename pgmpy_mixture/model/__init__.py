"""The known causal model: network, CPD fitting, BIF reader, bundled examples, oracles, exact marginals."""
