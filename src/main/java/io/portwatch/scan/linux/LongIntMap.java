package io.portwatch.scan.linux;

/**
 * A hash map from positive {@code long} keys (socket inodes) to {@code int} values (pids), with
 * open addressing in two primitive arrays: 200k sockets cost 200k map entries, not 200k boxed
 * {@code Long}s and {@code Integer}s and their nodes. Key 0 is not allowed (it marks a free slot;
 * no socket has inode 0). Not thread-safe.
 */
final class LongIntMap {

    private long[] keys;
    private int[] values;
    private int size;

    LongIntMap(int expected) {
        int capacity = Integer.highestOneBit(Math.max(16, expected) * 2 - 1) << 1; // load factor <= 0.5
        keys = new long[capacity];
        values = new int[capacity];
    }

    int size() {
        return size;
    }

    boolean containsKey(long key) {
        return keys[slot(key)] != 0;
    }

    /** The value of {@code key}, or {@code absent} when it has none. */
    int get(long key, int absent) {
        int slot = slot(key);
        return keys[slot] != 0 ? values[slot] : absent;
    }

    void put(long key, int value) {
        int slot = slot(key);
        if (keys[slot] == 0) {
            keys[slot] = key;
            size++;
        }
        values[slot] = value;
        if (size * 2 > keys.length) {
            rehash(keys.length * 2);
        }
    }

    /**
     * Puts {@code value} unless {@code key} has a value already; then keeps the smaller one.
     *
     * @return true when {@code key} had a value before
     */
    boolean putMin(long key, int value) {
        int slot = slot(key);
        if (keys[slot] != 0) {
            values[slot] = Math.min(values[slot], value);
            return true;
        }
        put(key, value);
        return false;
    }

    /** Slot count, for iterating with {@link #keyAt} and {@link #valueAt}. */
    int capacity() {
        return keys.length;
    }

    /** The key in {@code slot}, 0 for a free slot. */
    long keyAt(int slot) {
        return keys[slot];
    }

    int valueAt(int slot) {
        return values[slot];
    }

    private int slot(long key) {
        if (key == 0) {
            throw new IllegalArgumentException("key 0");
        }
        int mask = keys.length - 1;
        long h = key * 0x9E3779B97F4A7C15L;
        int slot = (int) (h ^ h >>> 32) & mask;
        while (keys[slot] != 0 && keys[slot] != key) {
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    private void rehash(int capacity) {
        long[] oldKeys = keys;
        int[] oldValues = values;
        keys = new long[capacity];
        values = new int[capacity];
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != 0) {
                put(oldKeys[i], oldValues[i]);
            }
        }
    }
}
