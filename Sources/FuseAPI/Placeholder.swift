public enum FuseAPIPlaceholder {}
