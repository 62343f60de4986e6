"""The `mockexam` command."""
def main():
    pass
