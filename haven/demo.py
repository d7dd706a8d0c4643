def ensure_demo_county() -> str:
    return "demo"
