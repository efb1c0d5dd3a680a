public enum FuseMockPlaceholder {}
