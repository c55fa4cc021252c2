// Owns the precompiled LibTorch + QtTest header that torch-level tests reuse.
int main()
{
    return 0;
}
