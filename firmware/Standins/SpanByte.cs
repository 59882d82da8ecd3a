// mscorlib (nanoFramework.CoreLibrary 1.17.11): System.SpanByte. .NET has no such type.
namespace System
{
    public struct SpanByte
    {
        private readonly byte[] _array;
        private readonly int _start;
        private readonly int _length;

        public SpanByte(byte[] array)
        {
            _array = array;
            _start = 0;
            _length = array == null ? 0 : array.Length;
        }

        public SpanByte(byte[] array, int start, int length)
        {
            _array = array;
            _start = start;
            _length = length;
        }

        public int Length { get { return _length; } }

        public bool IsEmpty { get { return _length == 0; } }

        public static SpanByte Empty { get { return new SpanByte(null); } }

        public byte this[int index]
        {
            get { throw new NotImplementedException("stand-in"); }
            set { throw new NotImplementedException("stand-in"); }
        }

        public SpanByte Slice(int start) { throw new NotImplementedException("stand-in"); }

        public SpanByte Slice(int start, int length) { throw new NotImplementedException("stand-in"); }

        public byte[] ToArray() { throw new NotImplementedException("stand-in"); }

        public void CopyTo(SpanByte destination) { throw new NotImplementedException("stand-in"); }

        public static implicit operator SpanByte(byte[] array) { return new SpanByte(array); }
    }
}
