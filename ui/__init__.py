"""Small shared Streamlit helpers: session state, translations, shared widgets."""
