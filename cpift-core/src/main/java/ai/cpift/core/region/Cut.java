package ai.cpift.core.region;

/**
 * Where the k-th largest value falls in a 65 536-bucket histogram of one radix digit.
 *
 * @param bucket the digit of the k-th largest
 * @param above  how many values have a larger digit
 */
record Cut(int bucket, long above) {
    static Cut find(long[] hist, long k) {
        long above = 0;
        for (int b = hist.length - 1; b >= 0; b--) {
            if (above + hist[b] >= k) {
                return new Cut(b, above);
            }
            above += hist[b];
        }
        throw new IllegalStateException("histogram holds " + above + " values, fewer than k = " + k);
    }
}
