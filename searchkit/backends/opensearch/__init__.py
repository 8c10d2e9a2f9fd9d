"""The OpenSearch backend (in progress): a cluster instead of a folder. Only this package imports `opensearchpy`."""
