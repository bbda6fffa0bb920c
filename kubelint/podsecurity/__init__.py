"""The Pod Security Standards as the Pod Security admission controller evaluates them."""
